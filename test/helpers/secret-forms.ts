/** The forms a secret takes in URLs, computed the way the standards define them (not the way src/ finds them). */

/** The WHATWG URL standard's percent-encode sets, each as the characters it adds to the one before. */
const C0 = (code: number) => code < 0x20 || code > 0x7e
const SETS: Record<string, string> = {
  fragment: ' "<>`',
  query: ' "#<>',
  specialQuery: ' "#<>\'',
  path: ' "#<>?^`{}',
  userinfo: ' "#<>?^`{}/:;=@[\\]|',
  component: ' "#<>?^`{}/:;=@[\\]|$%&+,',
  form: ' "#<>?^`{}/:;=@[\\]|$%&+,!\'()~',
}

/** `value` percent-encoded with the set `extra` (and C0 and non-ASCII), as the URL standard does it. */
function percentEncode(value: string, extra: string, spaceAsPlus = false): string {
  return [...value]
    .map((char) => {
      if (spaceAsPlus && char === ' ') return '+'
      if (!C0(char.codePointAt(0)!) && !extra.includes(char)) return char
      return [...new TextEncoder().encode(char)]
        .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('')
    })
    .join('')
}

/** Every form the URL standard, URLSearchParams, JSON and the URI functions give `value`. */
export function urlForms(value: string): string[] {
  const forms = [value, value.toLowerCase(), JSON.stringify(value).slice(1, -1), encodeURI(value)]
  if (!/[\uD800-\uDFFF]/.test(value)) forms.push(encodeURIComponent(value))
  for (const [name, set] of Object.entries(SETS)) forms.push(percentEncode(value, set, name === 'form'))
  forms.push(new URLSearchParams({ k: value }).toString().slice(2))
  return forms
}
