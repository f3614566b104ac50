// The roster's CSV as the browser reads it, for the import's preview of
// bad cells (the server reads the file again: this never decides anything).

/** Rows of cells of a CSV text (RFC 4180 quoting; CRLF, LF or CR line ends). */
export function parseCSV(text: string): string[][] {
  const out: string[][] = []
  let row: string[] = [], cell = '', quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); out.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell || row.length) { row.push(cell); out.push(row) }
  return out
}

/** The text of a CSV file: UTF-8, or else GB18030 (what Excel and WPS save in China). */
export async function readCSV(f: File): Promise<string[][]> {
  const buf = await f.arrayBuffer()
  let text: string
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(buf) } catch { text = new TextDecoder('gb18030').decode(buf) }
  return parseCSV(text.replace(/^\uFEFF/, ''))
}
