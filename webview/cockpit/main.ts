import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './app.js';

document.body.append(document.createElement('cockpit-app'));
