/**
 * Templates shipped with the Cockpit, bundled as JSON and seeded into the catalog on first use.
 * Chosen for the workflows the Cockpit seeds: Python (data_science; the most installed extension
 * of the Marketplace), ESLint and Prettier (vibe_coding: the lint/format pair nearly every JS/TS
 * project uses) and GitLens (every workflow: history and blame behind an AI-assisted change).
 * Command ids and setting keys follow each extension's manifest; at run time a widget still only
 * reaches what the installed version's manifest contributes (see allowlist.ts).
 */
import eslint from './templates/dbaeumer.vscode-eslint.json';
import gitlens from './templates/eamodio.gitlens.json';
import prettier from './templates/esbenp.prettier-vscode.json';
import python from './templates/ms-python.python.json';

export const BUILTIN_TEMPLATES: readonly unknown[] = [python, eslint, prettier, gitlens];
