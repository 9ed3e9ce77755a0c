/** The value of one series of the gateway's /metrics (`name{labels}` as written there), 0 when absent. */
export async function metricValue(graphqlUrl: string, series: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
