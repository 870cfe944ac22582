// Jest's global setup and teardown for the PostgreSQL suites.
//
// Every suite gets its own schema, and dropping it while another suite migrates is a race inside
// PostgreSQL: Kysely's migrator lists the tables of *every* schema (has_schema_privilege on each
// name), and a schema dropped between its catalog read and that call fails the other suite with
// "schema ... does not exist". So schemas are named after the run and dropped together once every
// suite of the run has finished.
const { randomBytes } = require('node:crypto');

async function setup() {
  // Set before the workers start, so every worker names its schemas after this run.
  process.env.TEST_SCHEMA_RUN ??= randomBytes(4).toString('hex');
}

async function teardown() {
  const url = process.env.TEST_DATABASE_URL;
  const run = process.env.TEST_SCHEMA_RUN;
  if (!url || !run) return;
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query('select nspname from pg_namespace where nspname like $1', [`t${run}\\_%`]);
    for (const { nspname } of rows) await pool.query(`drop schema if exists "${nspname}" cascade`);
  } finally {
    await pool.end();
  }
}

module.exports = { setup, teardown };
