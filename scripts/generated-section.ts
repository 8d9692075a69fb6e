/**
 * Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->` in a hand-written document,
 * so that a generated table can live inside prose and a test can tell when it is stale.
 */
export function replaceGeneratedSection(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`missing ${start} ... ${end} markers`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}
