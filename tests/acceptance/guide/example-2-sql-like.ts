// Guide: "Complete Examples" → "Example 2: SQL-Like Operations with K-V". The whole sample, verbatim.
import { Database } from 'sochdb';

interface Product {
  id: string;
  name: string;
  price: number;
  category: string;
}

async function main() {
  const db = await Database.open('./ecommerce');

  try {
    // INSERT: Store products
    const products: Product[] = [
      { id: '1', name: 'Laptop', price: 999.99, category: 'Electronics' },
      { id: '2', name: 'Mouse', price: 25.00, category: 'Electronics' },
      { id: '3', name: 'Desk', price: 299.99, category: 'Furniture' }
    ];

    for (const product of products) {
      await db.put(
        Buffer.from(`products/${product.id}`),
        Buffer.from(JSON.stringify(product))
      );
    }

    // SELECT: Retrieve all products
    console.log('All Products:');
    for await (const [key, value] of db.scan(
      Buffer.from('products/'),
      Buffer.from('products;')
    )) {
      const product: Product = JSON.parse(value.toString());
      console.log(` ${product.name}: $${product.price}`);
    }

    // WHERE: Filter by category
    console.log('\nElectronics:');
    for await (const [key, value] of db.scan(
      Buffer.from('products/'),
      Buffer.from('products;')
    )) {
      const product: Product = JSON.parse(value.toString());
      if (product.category === 'Electronics') {
        console.log(` ${product.name}: $${product.price}`);
      }
    }

    // UPDATE: Modify price
    const laptopValue = await db.get(Buffer.from('products/1'));
    if (laptopValue) {
      const laptop: Product = JSON.parse(laptopValue.toString());
      laptop.price = 899.99;
      await db.put(
        Buffer.from('products/1'),
        Buffer.from(JSON.stringify(laptop))
      );
      console.log(`\nUpdated ${laptop.name} price to $${laptop.price}`);
    }

    // DELETE: Remove product
    await db.delete(Buffer.from('products/2'));
    console.log('Deleted Mouse');

  } finally {
    await db.close();
  }
}

main().catch(console.error);
