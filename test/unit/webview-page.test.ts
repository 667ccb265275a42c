import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageDocument } from '../../src/vscode/webview/page.js';

describe('webview page', () => {
  const page = (bootstrap?: unknown, inline?: (relativePath: string) => string) =>
    pageDocument({
      nonce: 'N0nce',
      source: 'https://cdn.example',
      title: 'Demo <1>',
      view: 'demo',
      stylesheets: ['media/demo.css'],
      bootstrap,
      asset: (relativePath) => `https://cdn.example/${relativePath}`,
      inline,
    });

  it('allows scripts and <style> elements only with its nonce, and the extension’s own files', () => {
    const html = page();
    assert.match(
      html,
      /content="default-src 'none'; script-src 'nonce-N0nce'; style-src https:\/\/cdn\.example 'nonce-N0nce'; img-src https:\/\/cdn\.example data:"/,
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

  it('carries its script and stylesheets when it inlines them, each under the nonce; text that could end its element is linked', () => {
    const files: Record<string, string> = {
      'media/webview.css': 'body { margin: 0; }',
      'media/demo.css': 'p::after { content: "</style>"; }',
      'dist/webview/demo.js': 'document.body.append("demo");',
    };
    const html = page(undefined, (relativePath) => files[relativePath]!);
    assert.match(html, /<style nonce="N0nce">body \{ margin: 0; \}<\/style>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/cdn\.example\/media\/demo\.css">/);
    assert.match(html, /<script type="module" nonce="N0nce">document\.body\.append\("demo"\);<\/script>/);
    assert.doesNotMatch(html, /src="[^"]*demo\.js"/);
    const linked = page(undefined, (relativePath) => (relativePath.endsWith('.js') ? 'let s = "<!--<script>";' : ''));
    assert.match(
      linked,
      /<script type="module" nonce="N0nce" src="https:\/\/cdn\.example\/dist\/webview\/demo\.js"><\/script>/,
    );
  });

  it('embeds the first state as data that cannot end its element', () => {
    const html = page({ name: '</script><script>alert(1)</script>' });
    const block = /<script type="application\/json" id="bootstrap">(.*?)<\/script>/.exec(html)?.[1];
    assert.equal(JSON.parse(block!).name, '</script><script>alert(1)</script>');
    assert.doesNotMatch(block!, /</);
  });
});
