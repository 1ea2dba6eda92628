/** What every page is given: where to draw itself, and how to end the session (say, after deleting its own key). */
export interface PageContext {
  signOut(message?: string): void;
}

export type Page = (root: HTMLElement, ctx: PageContext) => Promise<void>;
