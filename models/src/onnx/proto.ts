import onnxProto from 'onnx-proto';

/** The ONNX protobuf namespace (onnx-proto ships CommonJS; this is its one import site). */
export const onnx = onnxProto.onnx;
export type OnnxModel = onnxProto.onnx.ModelProto;

export const DataType = onnx.TensorProto.DataType;
export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8';

export const ELEM_TYPE_CODE: Record<ElemType, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int64: DataType.INT64,
  int32: DataType.INT32,
  bool: DataType.BOOL,
  uint8: DataType.UINT8,
  int8: DataType.INT8,
};

const CODE_TO_NAME = new Map<number, string>([
  [DataType.FLOAT, 'float32'],
  [DataType.FLOAT16, 'float16'],
  [DataType.INT64, 'int64'],
  [DataType.INT32, 'int32'],
  [DataType.BOOL, 'bool'],
  [DataType.UINT8, 'uint8'],
  [DataType.INT8, 'int8'],
  [DataType.DOUBLE, 'float64'],
  [DataType.BFLOAT16, 'bfloat16'],
]);

/** The element type name onnxruntime reports for a TensorProto data type code. */
export const elemTypeName = (code: number): string => CODE_TO_NAME.get(code) ?? `type#${code}`;

export type INodeProto = onnxProto.onnx.INodeProto;
export type ITensorProto = onnxProto.onnx.ITensorProto;
export type IValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type IAttributeProto = onnxProto.onnx.IAttributeProto;
export type ITypeProto = onnxProto.onnx.ITypeProto;
export type ValueInfoProto = onnxProto.onnx.ValueInfoProto;
