module.exports = require('./postgres-run-schemas').setup;
