import { mount } from 'svelte';
import { setLocale } from '@/lib/i18n/i18n';
import { loadSettings, onSettingsChanged } from '@/lib/settings/settings';
import '@/lib/panel/panel.css';
import 'highlight.js/styles/github.css';
import App from '@/lib/panel/App.svelte';

void loadSettings().then((settings) => {
  document.documentElement.lang = setLocale(settings.language);
  document.title = 'Loupe';
  mount(App, { target: document.getElementById('app')! });
  // Strings are looked up once: a language change reloads the panel.
  onSettingsChanged((s) => {
    if (s.language !== settings.language) location.reload();
  });
});
