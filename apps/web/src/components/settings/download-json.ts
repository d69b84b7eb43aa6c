/** Saves `data` as a JSON file through a temporary object URL (nothing leaves the browser again). */
export function downloadJson(data: unknown, filename: string): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click has handed the file to the browser's download.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** `versaai-export-2026-11-28.json`: the day (UTC) the export was made. */
export function exportFilename(now: Date = new Date()): string {
  return `versaai-export-${now.toISOString().slice(0, 10)}.json`;
}
