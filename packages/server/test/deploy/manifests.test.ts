/**
 * deploy/: every Kubernetes manifest validates against the Kubernetes API schemas
 * (kubernetes-models), and the invariants of a deployment an operator can trust hold: probes on
 * /health and /ready, resources, a restricted security context, secrets only by reference, a
 * drain deadline inside the grace period, selectors that match, the seed's ingress paths, a
 * migration Job; the server accepts the configuration the manifests give it; the Dockerfile is
 * multi-stage, non-root, without dev dependencies and with a health check. (No image is built
 * here: the machine has no container engine.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config/serverConfig.js';

const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../deploy');
const k8sDir = path.join(deployDir, 'kubernetes');

type Manifest = Record<string, any>;

function loadManifests(): { file: string; doc: Manifest }[] {
  return fs
    .readdirSync(k8sDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(k8sDir, file), 'utf8')).map((d) => {
        expect(d.errors, file).toEqual([]);
        return { file, doc: d.toJS() as Manifest };
      }),
    );
}

/** kubernetes-models/<group>/<version>/<Kind> (the core group has no group segment). */
async function modelFor(apiVersion: string, kind: string): Promise<new (data: Manifest) => { validate(): void }> {
  const mod = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, new (data: Manifest) => { validate(): void }>;
  const model = mod[kind];
  if (!model) throw new Error(`no model for ${apiVersion} ${kind}`);
  return model;
}

const manifests = loadManifests();
const byKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const one = (kind: string) => {
  const found = byKind(kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Manifest;
};
const containersOf = (podSpec: Manifest): Manifest[] => [...(podSpec.initContainers ?? []), ...podSpec.containers];
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests', () => {
  it('are all valid objects of the Kubernetes API', async () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'PodDisruptionBudget', 'Service', 'Service', 'ServiceAccount'].sort(),
    );
    for (const { file, doc } of manifests) {
      const Model = await modelFor(doc.apiVersion, doc.kind);
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind}`).not.toThrow();
    }
  });

  it('are all listed in the kustomization', () => {
    const kustomization = parseAllDocuments(fs.readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8'))[0]?.toJS() as Manifest;
    expect([...kustomization.resources].sort()).toEqual([...new Set(manifests.map((m) => m.file))].sort());
  });

  it('hold no literal secret: credentials come from Secret references', () => {
    expect(byKind('Secret')).toEqual([]);
    const secretish = /PASSWORD|SECRET|TOKEN|ACCESS_KEY|USERNAME/;
    for (const pod of [one('Deployment').spec.template.spec, one('Job').spec.template.spec]) {
      for (const container of containersOf(pod)) {
        for (const env of container.env ?? []) {
          if (secretish.test(env.name)) expect([env.name, env.value, env.valueFrom?.secretKeyRef?.name]).toEqual([env.name, undefined, 'darwin-mlflow-secrets']);
        }
      }
    }
    for (const key of Object.keys(one('ConfigMap').data)) expect(key).not.toMatch(secretish);
  });

  it('give the server liveness on /health, readiness on /ready, resources and a restricted security context', () => {
    const deployment = one('Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const container of containersOf(pod).concat(containersOf(one('Job').spec.template.spec))) {
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(container.resources.limits.memory).toBeDefined();
    }
    const server = pod.containers[0];
    expect(server.livenessProbe.httpGet).toMatchObject({ path: '/health', port: 'http' });
    expect(server.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 'http' });
    expect(server.startupProbe.httpGet.path).toBe('/health');
    expect(server.ports.map((p: Manifest) => p.name)).toContain('http');
  });

  it('drain within the grace period, and wait for the database longer than the start-up retries', () => {
    const config = one('ConfigMap').data;
    const pod = one('Deployment').spec.template.spec;
    const preStop = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
    expect(Number(config.DARWIN_SHUTDOWN_TIMEOUT_MS) / 1000 + preStop).toBeLessThan(pod.terminationGracePeriodSeconds);
    const startup = pod.containers[0].startupProbe;
    expect(Number(config.DARWIN_STARTUP_RETRY_MS) / 1000).toBeLessThan(startup.periodSeconds * startup.failureThreshold);
  });

  it('wire Services, Ingress, HPA and PDB to the Deployment', () => {
    const deployment = one('Deployment');
    const labels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, labels)).toBe(true);
    const services = byKind('Service');
    expect(services.map((s) => [s.metadata.name, s.spec.ports[0].port]).sort()).toEqual([
      ['darwin-mlflow-app', 8000],
      ['darwin-mlflow-lib', 8080],
    ]);
    for (const s of services) {
      expect(matches(s.spec.selector, labels)).toBe(true);
      expect(s.spec.ports[0].targetPort).toBe('http');
    }
    const paths = one('Ingress').spec.rules[0].http.paths as Manifest[];
    expect(paths.map((p) => p.path)).toContain('/mlflow-app(/|$)(.*)');
    for (const p of paths) expect(services.map((s) => s.metadata.name)).toContain(p.backend.service.name);
    expect(one('Ingress').metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target']).toBe('/$2');
    expect(one('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(matches(one('PodDisruptionBudget').spec.selector.matchLabels, labels)).toBe(true);
    expect(one('PodDisruptionBudget').spec.minAvailable).toBeLessThan(one('HorizontalPodAutoscaler').spec.minReplicas);
  });

  it('run db upgrade and s3 init in the migration Job', () => {
    const job = one('Job').spec.template.spec;
    expect(containersOf(job).map((c) => c.args)).toEqual([
      ['db', 'upgrade'],
      ['s3', 'init'],
    ]);
  });

  it('give the server a configuration it accepts: MySQL from the Darwin variables, S3 destination, every DARWIN_* value', () => {
    const server = one('Deployment').spec.template.spec.containers[0];
    const env: Record<string, string> = { ...one('ConfigMap').data };
    for (const e of server.env) env[e.name] = e.value ?? `secret-${e.valueFrom.secretKeyRef.key}`;
    const config = loadServerConfig(server.args.slice(1), env, '/app');
    expect(config.backendStoreUri).toBe('mysql://secret-mysql-username:secret-mysql-password@darwin-mysql:3306/darwin_mlflow');
    expect(config.artifactsDestination).toBe('s3://darwin-mlflow');
    expect([config.host, config.port]).toEqual(['0.0.0.0', 8080]);
    expect(config.operations.shutdownTimeoutMs).toBe(25_000);
  });
});

describe('Dockerfile', () => {
  const text = fs.readFileSync(path.join(deployDir, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages[stages.length - 1] as string;

  it('builds in one stage and runs from another, as a non-root user, with a health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final).toMatch(/^USER (?!0|root)\S+/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "packages\/server\/bin\/darwin-mlflow\.js"\]/m);
    expect(fs.existsSync(path.join(deployDir, '../packages/server/bin/darwin-mlflow.js'))).toBe(true);
  });

  it('ships no dev dependencies: the build stage prunes them, the final stage installs nothing', () => {
    expect(text).toMatch(/npm prune --omit=dev/);
    expect(final).not.toMatch(/npm (ci|install)/);
    expect(final).toMatch(/COPY --from=build .*node_modules/);
  });

  it('copies, before installing, every workspace its build stage compiles', () => {
    const build = stages[0] as string;
    const install = build.indexOf('RUN npm ci');
    // every RUN instruction with its backslash-continued lines
    const runs = [...build.matchAll(/^RUN (?:.*\\\n)*.*/gm)].map(([run]) => run);
    const compiled = new Set(runs.flatMap((run) => [...run.matchAll(/packages\/(\w+)/g)].map((m) => m[1] as string)));
    expect([...compiled].sort()).toEqual(['contract', 'server', 'web']);
    // the root build script compiles packages/sdk too, which the image does not copy
    for (const run of runs) expect(run).not.toMatch(/npm run build(?! -w)/);
    for (const workspace of compiled) {
      const manifest = build.indexOf(`COPY packages/${workspace}/package.json packages/${workspace}/`);
      expect(manifest, workspace).toBeGreaterThan(-1);
      expect(manifest, workspace).toBeLessThan(install);
      expect(build, workspace).toContain(`COPY packages/${workspace} packages/${workspace}\n`);
    }
  });

  it('copies only files that exist in the repository', () => {
    for (const [, sources] of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of (sources as string).split(/\s+/).filter((s) => !s.startsWith('--'))) {
        if (source.includes('*')) continue;
        expect(fs.existsSync(path.join(deployDir, '..', source)), source).toBe(true);
      }
    }
  });
});
