/** Light and dark themes: the OS choice unless the user picked one (kept in localStorage). */
import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'darwin-theme';

function osTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useTheme(): [Theme, () => void] {
  const [chosen, setChosen] = useState<Theme | null>(() => {
    const stored = window.localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : null;
  });
  const [os, setOs] = useState<Theme>(osTheme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setOs(osTheme());
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  const theme = chosen ?? os;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    window.localStorage.setItem(KEY, next);
    setChosen(next);
  };
  return [theme, toggle];
}
