// Data is never HTML. ECharts inserts a tooltip formatter's answer as HTML,
// so every text from the data in one goes through escapeHtml; tooltip()
// builds the few lines a tooltip shows from plain texts.
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => entities[c])
}

/** Tooltip HTML of plain-text lines, each escaped. */
export function tooltip(...lines: string[]): string {
  return lines.map(escapeHtml).join('<br/>')
}

