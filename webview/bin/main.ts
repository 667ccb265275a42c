import './app.js';

document.body.append(document.createElement('bin-app'));
