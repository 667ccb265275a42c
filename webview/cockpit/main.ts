import './app.js';

document.body.append(document.createElement('cockpit-app'));
