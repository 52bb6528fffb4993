// js-yaml for the agent and operator, loaded the first time a YAML kubeconfig
// is read: in a cluster they read their service account and never pay for it
// (about 5 MB of resident memory in an agent that idles on every node).

export async function parseYamlOnDemand(text: string): Promise<unknown> {
  const yaml = await import('js-yaml');
  return yaml.load(text);
}
