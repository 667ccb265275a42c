/**
 * Packs a build-free extension folder into a VSIX, which is a zip holding
 * `extension.vsixmanifest`, `[Content_Types].xml` and the folder's files under `extension/`.
 *
 * Written by hand instead of calling `vsce package` so that packing the fixture needs no network
 * (npx would fetch vsce) and never stops at vsce's interactive prompts (license, repository).
 * Real builds of the product extension should keep using vsce.
 *
 * Run as a script to pack the fixture: `node --import tsx test/e2e/vsix.ts [out.vsix]`.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/hello-extension/', import.meta.url));

interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
  displayName?: string;
  description?: string;
  engines: { vscode: string };
}

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Packs the hello-extension fixture; returns the VSIX path (a temp file unless `outFile`). */
export function packFixture(outFile?: string): Promise<string> {
  return packVsix(FIXTURE_DIR, outFile ?? join(tmpdir(), 'devguide-e2e-hello.vsix'));
}

export async function packVsix(extensionDir: string, outFile: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(extensionDir, 'package.json'), 'utf8')) as ExtensionManifest;
  const files = await listFiles(extensionDir);
  const entries: ZipEntry[] = [
    { name: 'extension.vsixmanifest', data: Buffer.from(vsixManifest(manifest)) },
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes(files)) },
  ];
  for (const file of files) {
    entries.push({ name: `extension/${file}`, data: await readFile(join(extensionDir, file)) });
  }
  await mkdir(dirname(outFile), { recursive: true });
  // Write then rename, so a concurrent reader never sees half an archive.
  const partial = `${outFile}.${process.pid}.tmp`;
  await writeFile(partial, zip(entries));
  await rename(partial, outFile);
  return outFile;
}

/** Relative paths of all files below `dir`, with forward slashes, sorted for a stable archive. */
async function listFiles(dir: string): Promise<string[]> {
  const dirents = await readdir(dir, { recursive: true, withFileTypes: true });
  return dirents
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'))
    .sort();
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function vsixManifest(m: ExtensionManifest): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(m.name)}" Version="${xml(m.version)}" Publisher="${xml(m.publisher)}" />
    <DisplayName>${xml(m.displayName ?? m.name)}</DisplayName>
    <Description xml:space="preserve">${xml(m.description ?? '')}</Description>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(m.engines.vscode)}" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

function contentTypes(files: string[]): string {
  const types: Record<string, string> = {
    '.vsixmanifest': 'text/xml',
    '.json': 'application/json',
    '.js': 'application/javascript',
  };
  const extensions = new Set(['.vsixmanifest', ...files.map((f) => extname(f).toLowerCase())]);
  const defaults = [...extensions]
    .filter((ext) => ext !== '')
    .map((ext) => `<Default Extension="${xml(ext)}" ContentType="${types[ext] ?? 'application/octet-stream'}" />`);
  return `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults.join('')}</Types>
`;
}

/** A minimal deflate zip (no zip64, fixed 1980-01-01 timestamps so the output is reproducible). */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    local.copy(central, 6, 4, 28); // version needed … name length are the same fields
    // extra length, comment length, disk, internal and external attributes stay 0
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : undefined;
  packFixture(out)
    .then((path) => console.log(path))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
