import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context';
import { hasCommand, run, StackError } from './runtime';

export interface Artifact {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly type?: string;
}

// Maven 3.8 would otherwise resolve the old 2.8 plugin.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

function pom(name: string, artifacts: readonly Artifact[], bom?: Artifact): string {
  const deps = artifacts
    .map(
      (a) =>
        `    <dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId>` +
        `<version>${a.version}</version>${a.type ? `<type>${a.type}</type>` : ''}</dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>amato.stack</groupId><artifactId>${name}</artifactId><version>1</version>
  <packaging>pom</packaging>${
    bom
      ? `
  <dependencyManagement><dependencies>
    <dependency><groupId>${bom.groupId}</groupId><artifactId>${bom.artifactId}</artifactId><version>${bom.version}</version><type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>`
      : ''
  }
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

/**
 * Copies artifacts and their runtime dependencies from Maven Central into outDir, through a
 * local repository under the stack's cache. Skipped when outDir already holds this exact set.
 */
export function fetchArtifacts(
  ctx: StackContext,
  name: string,
  artifacts: readonly Artifact[],
  outDir: string,
  options: {
    /** false: only the named artifacts (plugin zips), not their dependencies. */
    transitive?: boolean;
    /** A BOM whose version pins apply, as the project that published the artifacts built them. */
    bom?: Artifact;
  } = {},
): void {
  const stamp = createHash('sha256').update(JSON.stringify({ artifacts, options })).digest('hex');
  const marker = join(outDir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return;
  if (!hasCommand('mvn')) {
    throw new StackError(
      `${name}: Maven (mvn) is needed to fetch jars from Maven Central; install it with: apt-get install -y maven`,
    );
  }
  ctx.say(
    `${name}: fetching ${artifacts.map((a) => `${a.artifactId}:${a.version}`).join(', ')} from Maven Central`,
  );
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const pomDir = join(ctx.cacheDir, 'poms', name);
  mkdirSync(pomDir, { recursive: true });
  writeFileSync(join(pomDir, 'pom.xml'), pom(name, artifacts, options.bom));
  run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(pomDir, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${outDir}`,
      `-Dmaven.repo.local=${join(ctx.cacheDir, 'm2')}`,
      `-DexcludeTransitive=${options.transitive === false ? 'true' : 'false'}`,
    ],
    { what: `${name}: maven download` },
  );
  writeFileSync(marker, stamp);
}
