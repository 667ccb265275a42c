import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageDocument } from '../../src/vscode/webview/page.js';

describe('webview page', () => {
  const page = (bootstrap?: unknown) =>
    pageDocument({
      nonce: 'N0nce',
      source: 'https://cdn.example',
      title: 'Demo <1>',
      view: 'demo',
      codicons: true,
      stylesheets: ['media/demo.css'],
      bootstrap,
      asset: (relativePath) => `https://cdn.example/${relativePath}`,
    });

  it('allows scripts and <style> elements only with its nonce, and the extension’s own files', () => {
    const html = page();
    assert.match(
      html,
      /content="default-src 'none'; script-src 'nonce-N0nce'; style-src https:\/\/cdn\.example 'nonce-N0nce'; img-src https:\/\/cdn\.example data:; font-src https:\/\/cdn\.example"/,
    );
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(
      html,
      /<script type="module" nonce="N0nce" src="https:\/\/cdn\.example\/dist\/webview\/demo\.js"><\/script>/,
    );
    assert.match(html, /<link rel="stylesheet" href="https:\/\/cdn\.example\/media\/webview\.css">/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/cdn\.example\/media\/demo\.css">/);
    assert.match(html, /<title>Demo &lt;1&gt;<\/title>/);
  });

  it('declares the codicon font in the page and preloads the icons’ stylesheet without blocking the view', () => {
    const html = page();
    assert.match(
      html,
      /<style nonce="N0nce">@font-face \{ font-family: "codicon";[^<]*dist\/webview\/codicons\/codicon\.ttf/,
    );
    assert.match(html, /<link id="vscode-codicon-stylesheet" rel="preload" href="[^"]*\/codicon\.css" as="style">/);
    assert.doesNotMatch(html, /rel="stylesheet" href="[^"]*codicon/);
  });

  it('embeds the first state as data that cannot end its element', () => {
    const html = page({ name: '</script><script>alert(1)</script>' });
    const block = /<script type="application\/json" id="bootstrap">(.*?)<\/script>/.exec(html)?.[1];
    assert.equal(JSON.parse(block!).name, '</script><script>alert(1)</script>');
    assert.doesNotMatch(block!, /</);
  });
});
