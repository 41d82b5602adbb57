/** A multipart body as the HTTP API takes it: `image` (a file of `type`) and text `fields`. */
export function imageForm(image: Uint8Array, fields: Record<string, string> = {}, type = 'image/png'): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(image)], { type }), `shot.${type.split('/')[1]}`);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}
