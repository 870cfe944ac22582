/** The SQL engines the stores are written for; each store adapts its few dialect differences. */
export type Dialect = 'sqlite' | 'postgres';
