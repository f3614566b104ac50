// How numbers read in the console.

/** A score, everywhere (forms, lists, charts, tables): two decimals. */
export function score(n: number | null | undefined): string {
  return n == null ? '' : n.toFixed(2)
}

/** A file's size as people read it: 812 B, 12.3 KB, 4.5 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return bytes + ' B'
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB'
  return (bytes / 1024 / 1024).toFixed(1) + ' MB'
}
