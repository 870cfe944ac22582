module.exports = require('./postgres-run-schemas').teardown;
