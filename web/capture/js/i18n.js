// Translatable strings: i18n/<language>.json, flat "section.key" names. Elements carry their key in
// data-i18n, so switching the language re-renders everything shown, dynamic text included.
export const LANGUAGES = ["en", "zh-CN"];
let strings = {};

export function initialLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGUAGES.includes(asked)) return asked;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export async function useLanguage(language) {
  const response = await fetch(`i18n/${language}.json`);
  strings = await response.json();
  document.documentElement.lang = language;
  document.querySelectorAll("[data-i18n]").forEach(render);
}

export function t(key) {
  return strings[key] ?? strings["missing"] ?? key;
}

export function known(key) {
  return key in strings;
}

export function setText(element, key) {
  element.dataset.i18n = key;
  render(element);
}

function render(element) {
  element.textContent = t(element.dataset.i18n);
}
