export declare const root: string;
export declare function freePort(): Promise<number>;
export declare function newStateDir(): string;
export declare function d1(stateDir: string, args: string[]): string;
export interface LocalWorker {
  baseUrl: string;
  stateDir: string;
  log(): string;
  stop(options?: { keepState?: boolean }): Promise<void>;
}
export declare function startWorker(options?: {
  vars?: Record<string, string>;
  stateDir?: string;
  args?: string[];
  timeoutMs?: number;
  autoBootstrap?: boolean;
}): Promise<LocalWorker>;
