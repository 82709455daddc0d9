/** The `--backend` flag: which tensor backend a command computes on (the engine's default when absent). */
import { type Backend, getBackend, registeredBackends, setBackend } from '@setr-ts/tensor';

export async function useBackendFlag(command: string, value: unknown): Promise<Backend> {
  if (value === undefined) return getBackend();
  const names = registeredBackends();
  if (typeof value !== 'string' || !names.includes(value))
    throw new Error(`${command}: --backend ${String(value)} is not a backend here (available: ${names.join(', ')})`);
  return setBackend(value);
}
