// Guide: "Complete Examples" → "Example 1: Multi-Tenant SaaS Application". The whole sample, verbatim.
import { Database } from 'sochdb';

interface TenantUser {
  id: string;
  role: string;
  email: string;
}

async function main() {
  const db = await Database.open('./saas_db');

  try {
    // Insert tenant-specific data
    const tenants = [
      { id: 'acme', name: 'ACME Corp' },
      { id: 'globex', name: 'Globex Inc' }
    ];

    // ACME Corp users
    await db.put(
      Buffer.from('tenants/acme/users/alice'),
      Buffer.from(JSON.stringify({ id: 'alice', role: 'admin', email: 'alice@acme.com' }))
    );
    await db.put(
      Buffer.from('tenants/acme/users/bob'),
      Buffer.from(JSON.stringify({ id: 'bob', role: 'user', email: 'bob@acme.com' }))
    );

    // Globex Inc users
    await db.put(
      Buffer.from('tenants/globex/users/charlie'),
      Buffer.from(JSON.stringify({ id: 'charlie', role: 'admin', email: 'charlie@globex.com' }))
    );

    // Query each tenant's data in isolation
    for (const tenant of tenants) {
      const prefix = Buffer.from(`tenants/${tenant.id}/users/`);
      const end = Buffer.from(`tenants/${tenant.id}/users;`);

      const users: TenantUser[] = [];
      for await (const [key, value] of db.scan(prefix, end)) {
        users.push(JSON.parse(value.toString()));
      }

      console.log(`\n${tenant.name} (${users.length} users):`);
      for (const user of users) {
        console.log(` ${user.email} (${user.role})`);
      }
    }
  } finally {
    await db.close();
  }
}

main().catch(console.error);
