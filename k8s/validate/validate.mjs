// Validates Kubernetes manifests offline against the OpenAPI schemas of the Kubernetes API that
// the kubernetes-models package ships (one generated class per apiVersion/kind, validated by ajv).
// usage: node validate.mjs file.yaml… — prints one line per resource; exits 1 on any error.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.error(`${file}: YAML error: ${doc.errors.map(e => e.message).join("; ")}`);
      failed = true;
      continue;
    }
    const resource = doc.toJS();
    if (resource === null) continue;
    const { apiVersion, kind } = resource;
    const name = `${file}: ${kind ?? "?"} ${resource.metadata?.name ?? "?"}`;
    let model;
    try {
      model = (await import(`kubernetes-models/${apiVersion}`))[kind];
    } catch {
      model = undefined;
    }
    if (!model) {
      console.error(`${name}: unknown apiVersion/kind ${apiVersion}/${kind}`);
      failed = true;
      continue;
    }
    try {
      new model(resource).validate();
      console.log(`${name}: valid (${apiVersion})`);
    } catch (error) {
      console.error(`${name}: INVALID: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
