import type { CreateProductInput } from './products.validation';

/**
 * The demo catalog every fresh installation starts with, so the storefront and the order
 * saga have something to sell. Prices in euro cents. Skip it with SEED_CATALOG=false.
 */
export const CATALOG: readonly CreateProductInput[] = [
  product('HOME-MUG-350', 'Stoneware Coffee Mug, 350 ml', 'Glazed stoneware, dishwasher and microwave safe.', 1290, 120),
  product('KIT-FRENCH-PRESS-1L', 'French Press Coffee Maker, 1 l', 'Borosilicate glass with a stainless steel filter.', 3490, 40),
  product('TECH-USBC-CABLE-2M', 'USB-C Charging Cable, 2 m', 'Braided, 100 W power delivery, USB 3.2 data.', 1490, 300),
  product('TECH-KEYBOARD-TKL', 'Mechanical Keyboard, Tenkeyless', 'Hot-swappable switches, PBT keycaps, USB-C.', 8990, 25),
  product('TECH-MOUSE-WL', 'Wireless Ergonomic Mouse', 'Vertical grip, Bluetooth and 2.4 GHz receiver.', 3990, 60),
  product('TECH-HEADPHONES-ANC', 'Noise-Cancelling Over-Ear Headphones', 'Active noise cancelling, 30 hours of battery.', 19900, 15),
  product('STAT-NOTEBOOK-A5', 'Dotted Notebook, A5, 192 pages', '100 g/m² paper, lay-flat binding.', 1450, 200),
  product('OUT-BOTTLE-750', 'Insulated Water Bottle, 750 ml', 'Double-walled steel: cold for 24 hours, hot for 12.', 2490, 80),
  product('OUT-DAYPACK-20L', 'Daypack, 20 l', 'Recycled nylon, padded laptop sleeve up to 15 inches.', 6990, 30),
  product('HOME-DESK-LAMP', 'LED Desk Lamp with Dimmer', 'Five brightness levels, adjustable colour temperature.', 4590, 45),
  product('APP-TSHIRT-ORGANIC-M', 'Organic Cotton T-Shirt, size M', 'GOTS-certified cotton, regular fit.', 1990, 150),
  product('APP-SOCKS-MERINO-3', 'Merino Wool Socks, 3 pairs', 'Cushioned sole, reinforced heel and toe.', 2290, 90),
];

function product(sku: string, name: string, description: string, priceCents: number, initialStock: number): CreateProductInput {
  return { sku, name, description, priceCents, currency: 'EUR', initialStock };
}
