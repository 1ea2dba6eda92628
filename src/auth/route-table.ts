/**
 * The gateway's view of Access applications and policies, per host, held in
 * the isolate so that deciding a request costs no round trip.
 *
 * How fresh it is: an entry is served as it is for 1 s after its read began;
 * from 1 s to 2 s it is still served, while one background read (after the
 * response, through `waitUntil`) replaces it; past 2 s it is never served, and
 * the request waits for a new read. So a change to an application or policy is
 * felt by every request that starts more than 2 s after the change answered,
 * in every isolate, and at once in the isolate that made it (`forget`). Under
 * steady traffic a host costs each isolate about one D1 read a second, and no
 * request waits for one. Token changes do not go through here: they are felt by
 * the next request, in the token's home.
 */
import type { HostApp } from "../core/access/ports";

/** Served as is until this age (ms since its read began)… */
export const FRESH_MS = 1000;
/** …and never past this one. */
export const MAX_AGE_MS = 2000;
/** Hosts held per isolate; the oldest goes first. */
const MAX_HOSTS = 1000;

interface Entry {
  /** When the read that produced it began: it reflects every change that answered before then. */
  readAt: number;
  apps: HostApp[];
  refreshing: boolean;
}

export type ReadRoutes = (host: string) => Promise<HostApp[]>;

export class RouteTable {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by `forget`: a read that began before it is not kept. */
  private generation = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The applications on `host`. `read` is the one D1 read; `background`
   * keeps a refresh alive after the response (the request's `waitUntil`).
   */
  async appsOn(host: string, read: ReadRoutes, background: (work: Promise<unknown>) => void): Promise<HostApp[]> {
    const entry = this.entries.get(host);
    const age = entry ? this.now() - entry.readAt : Infinity;
    if (entry && age < MAX_AGE_MS) {
      if (age >= FRESH_MS && !entry.refreshing) {
        entry.refreshing = true;
        // A failed refresh leaves the entry to age out; the request that finds it too old reads again (and fails if D1 does).
        background(this.load(host, read).catch(() => (entry.refreshing = false)));
      }
      return entry.apps;
    }
    return this.load(host, read);
  }

  /** Drops everything held: the next request on any host reads again. */
  forget(): void {
    this.generation++;
    this.entries.clear();
  }

  private async load(host: string, read: ReadRoutes): Promise<HostApp[]> {
    const generation = this.generation;
    const readAt = this.now();
    const apps = await read(host);
    if (generation === this.generation) {
      this.entries.delete(host); // re-inserted last: the map's order is the eviction order
      this.entries.set(host, { readAt, apps, refreshing: false });
      if (this.entries.size > MAX_HOSTS) this.entries.delete(this.entries.keys().next().value!);
    }
    return apps;
  }
}

/** This isolate's table, shared by every request. */
export const routeTable = new RouteTable();
