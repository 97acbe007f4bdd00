import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The boundary rule lets cycles through the test support pass (eslint.config.mjs): the test
 * support uses the libs it tests and their spec files use it back. That exception must not hide
 * a cycle between production files, which this checks on its own, from the sources: the
 * `@ecommerce/...` imports of every project's production files form no cycle.
 */
const root = join(__dirname, '../..');
const TEST_FILE = /\.(spec|integration-spec|e2e-spec)\.ts$/;
/** Projects that hold only test code. */
const TEST_PROJECT_TAGS = ['type:testing', 'type:e2e', 'type:test'];
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'(@ecommerce\/[^']+)'/gm;

interface Project {
  name: string;
  root: string;
  tags: string[];
}

function projects(): Project[] {
  return ['apps', 'libs', 'tools'].flatMap((folder) =>
    readdirSync(join(root, folder))
      .map((name) => join(folder, name))
      .filter((dir) => existsSync(join(root, dir, 'project.json')))
      .map((dir) => {
        const { name, tags = [] } = JSON.parse(readFileSync(join(root, dir, 'project.json'), 'utf8')) as Project;
        return { name, root: dir, tags };
      }),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'generated', 'gen', 'dist'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !TEST_FILE.test(entry.name) ? [path] : [];
  });
}

/** Which project each production file's `@ecommerce/...` imports land in, per project. */
function productionGraph(): Map<string, Set<string>> {
  const all = projects();
  const { paths } = (JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  }).compilerOptions;
  const projectOfAlias = new Map(
    Object.entries(paths).map(([alias, [target]]) => [alias, all.find((p) => target?.startsWith(`${p.root}/`))?.name]),
  );
  const graph = new Map<string, Set<string>>();
  for (const project of all.filter((p) => !p.tags.some((tag) => TEST_PROJECT_TAGS.includes(tag)))) {
    const deps = new Set<string>();
    for (const file of sourceFiles(join(root, project.root))) {
      for (const [, alias = ''] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = projectOfAlias.get(alias);
        if (!target) throw new Error(`${relative(root, file)} imports ${alias}, which no project provides`);
        if (target !== project.name) deps.add(target);
      }
    }
    graph.set(project.name, deps);
  }
  return graph;
}

/** One cycle of the graph as a path that starts and ends at the same node, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    const seen = path.indexOf(node);
    if (seen >= 0) return [...path.slice(seen), node];
    if (done.has(node)) return undefined;
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('findCycle', () => {
  const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

  it('finds a cycle, as a path back to where it starts', () => {
    expect(findCycle(graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  });

  it('finds none in a graph without one', () => {
    expect(findCycle(graphOf({ a: ['b', 'c'], b: ['c'], c: [] }))).toBeUndefined();
  });
});

describe('the projects, through their production files only', () => {
  const graph = productionGraph();

  it('are read from the sources: messaging uses kafka, order-service uses messaging', () => {
    expect([...(graph.get('messaging') ?? [])]).toContain('kafka');
    expect([...(graph.get('order-service') ?? [])]).toContain('messaging');
    expect([...graph.keys()]).not.toContain('testing');
  });

  it('form no cycle', () => {
    expect(findCycle(graph)).toBeUndefined();
  });
});
