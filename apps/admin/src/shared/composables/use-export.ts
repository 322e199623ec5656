import { ref, shallowRef } from 'vue';

export interface ExportProgress {
  bytes: number;
  /** Lines received so far (rows of CSV, records of NDJSON). */
  lines: number;
}

/**
 * A long export with progress (issue 7): the stream's bytes and lines as they arrive, Cancel, and
 * the file saved at the end. `start` takes the download function so any export endpoint fits.
 */
export function useExport() {
  const status = ref<'idle' | 'running' | 'done' | 'error' | 'cancelled'>('idle');
  const progress = ref<ExportProgress>({ bytes: 0, lines: 0 });
  const error = shallowRef<unknown>(null);
  let controller: AbortController | null = null;

  async function start(
    run: (signal: AbortSignal, onProgress: (bytes: number) => void) => Promise<Blob>,
    save: (blob: Blob) => void,
  ): Promise<void> {
    controller = new AbortController();
    status.value = 'running';
    error.value = null;
    progress.value = { bytes: 0, lines: 0 };
    try {
      const blob = await run(controller.signal, (bytes) => (progress.value = { ...progress.value, bytes }));
      const text = await blob.text();
      progress.value = { bytes: blob.size, lines: text.split('\n').filter(Boolean).length };
      save(blob);
      status.value = 'done';
    } catch (err) {
      if (controller.signal.aborted) status.value = 'cancelled';
      else {
        error.value = err;
        status.value = 'error';
      }
    } finally {
      controller = null;
    }
  }

  function cancel(): void {
    controller?.abort();
  }

  return { status, progress, error, start, cancel };
}
