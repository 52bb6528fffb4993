// The per-node cap on debug containers (--max-sessions). A slot is taken
// synchronously before any await, so sessions reconciled in parallel can
// never together pass the cap.

export class SessionSlots {
  private readonly held = new Set<string>();

  constructor(readonly max: number) {}

  /** Takes a slot for a new container; false when the node is full. */
  tryReserve(uid: string): boolean {
    if (this.held.has(uid)) return true;
    if (this.held.size >= this.max) return false;
    this.held.add(uid);
    return true;
  }

  /** Counts a container found running (adopted after a restart), even past the cap: it exists either way. */
  hold(uid: string): void {
    this.held.add(uid);
  }

  release(uid: string): void {
    this.held.delete(uid);
  }

  get used(): number {
    return this.held.size;
  }
}
