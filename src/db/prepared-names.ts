/**
 * Names for statements built at run time (a list page's SQL depends on its filters, order and page),
 * so that each connection prepares a text once and PostgreSQL can keep its plan: planning was about
 * half of a list page's time in the server (docs/decisions.md, "Session 14"). A prepared statement
 * lives as long as its connection, in the server and in pg's client, and cannot be dropped through
 * pg; so at most `limit` texts get a name per process, the first ones seen (the shapes ERPs poll
 * repeat), and any other text runs unnamed, planned each time as before.
 */
export class PreparedNames {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly limit: number,
  ) {}

  /** The statement name for `text`, or undefined when it is to run unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.limit) return known;
    const name = `${this.prefix}_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }
}
