import type { CreateProductInput } from './products.validation';

/**
 * The demo catalog every fresh installation starts with, so the storefront and the order
 * saga have something to sell. Prices in euro cents. Skip it with SEED_CATALOG=false.
 */
export const CATALOG: readonly CreateProductInput[] = (
  [
    {
      sku: 'HOME-MUG-350',
      name: 'Stoneware Coffee Mug, 350 ml',
      description: 'Glazed stoneware, dishwasher and microwave safe.',
      priceCents: 1290,
      initialStock: 120,
    },
    {
      sku: 'KIT-FRENCH-PRESS-1L',
      name: 'French Press Coffee Maker, 1 l',
      description: 'Borosilicate glass with a stainless steel filter.',
      priceCents: 3490,
      initialStock: 40,
    },
    {
      sku: 'TECH-USBC-CABLE-2M',
      name: 'USB-C Charging Cable, 2 m',
      description: 'Braided, 100 W power delivery, USB 3.2 data.',
      priceCents: 1490,
      initialStock: 300,
    },
    {
      sku: 'TECH-KEYBOARD-TKL',
      name: 'Mechanical Keyboard, Tenkeyless',
      description: 'Hot-swappable switches, PBT keycaps, USB-C.',
      priceCents: 8990,
      initialStock: 25,
    },
    {
      sku: 'TECH-MOUSE-WL',
      name: 'Wireless Ergonomic Mouse',
      description: 'Vertical grip, Bluetooth and 2.4 GHz receiver.',
      priceCents: 3990,
      initialStock: 60,
    },
    {
      sku: 'TECH-HEADPHONES-ANC',
      name: 'Noise-Cancelling Over-Ear Headphones',
      description: 'Active noise cancelling, 30 hours of battery.',
      priceCents: 19900,
      initialStock: 15,
    },
    {
      sku: 'STAT-NOTEBOOK-A5',
      name: 'Dotted Notebook, A5, 192 pages',
      description: '100 g/m² paper, lay-flat binding.',
      priceCents: 1450,
      initialStock: 200,
    },
    {
      sku: 'OUT-BOTTLE-750',
      name: 'Insulated Water Bottle, 750 ml',
      description: 'Double-walled steel: cold for 24 hours, hot for 12.',
      priceCents: 2490,
      initialStock: 80,
    },
    {
      sku: 'OUT-DAYPACK-20L',
      name: 'Daypack, 20 l',
      description: 'Recycled nylon, padded laptop sleeve up to 15 inches.',
      priceCents: 6990,
      initialStock: 30,
    },
    {
      sku: 'HOME-DESK-LAMP',
      name: 'LED Desk Lamp with Dimmer',
      description: 'Five brightness levels, adjustable colour temperature.',
      priceCents: 4590,
      initialStock: 45,
    },
    {
      sku: 'APP-TSHIRT-ORGANIC-M',
      name: 'Organic Cotton T-Shirt, size M',
      description: 'GOTS-certified cotton, regular fit.',
      priceCents: 1990,
      initialStock: 150,
    },
    {
      sku: 'APP-SOCKS-MERINO-3',
      name: 'Merino Wool Socks, 3 pairs',
      description: 'Cushioned sole, reinforced heel and toe.',
      priceCents: 2290,
      initialStock: 90,
    },
  ] satisfies Omit<CreateProductInput, 'currency'>[]
).map((product) => ({ ...product, currency: 'EUR' }));
