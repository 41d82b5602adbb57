import { mount } from 'svelte';
import { setLocale, t } from '@/lib/i18n/i18n';
import { loadSettings } from '@/lib/settings/settings';
import '@/lib/panel/panel.css';
import Options from '@/lib/options/Options.svelte';

void loadSettings().then((settings) => {
  document.documentElement.lang = setLocale(settings.language);
  document.title = t('optionsTitle');
  mount(Options, { target: document.getElementById('app')!, props: { initial: settings } });
});
