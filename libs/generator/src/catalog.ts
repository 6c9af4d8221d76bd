import type { Faker } from '@faker-js/faker';
import { PRODUCT_CATEGORIES } from '@amato/contracts';
import type { Random } from './random';

export type Category = (typeof PRODUCT_CATEGORIES)[number];

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: Category;
  readonly price: number;
  /** Popularity weight (Zipf-like): a few products sell most. */
  readonly popularity: number;
}

/** Median price by category; prices spread log-normally around it. */
const MEDIAN_PRICE: Record<Category, number> = {
  electronics: 180,
  fashion: 45,
  home: 35,
  beauty: 22,
  sports: 55,
  books: 14,
  toys: 25,
  grocery: 8,
};

const CATEGORY_SHARE: readonly (readonly [Category, number])[] = [
  ['electronics', 0.14],
  ['fashion', 0.24],
  ['home', 0.16],
  ['beauty', 0.12],
  ['sports', 0.1],
  ['books', 0.1],
  ['toys', 0.07],
  ['grocery', 0.07],
];

export function buildCatalog(faker: Faker, random: Random, size = 500): Product[] {
  return Array.from({ length: size }, (_, i) => {
    const category = random.weighted(CATEGORY_SHARE);
    const price = Math.max(
      1,
      Math.round(MEDIAN_PRICE[category] * random.lognormal(0, 0.6) * 100) / 100,
    );
    return {
      id: `PROD_${String(i + 1).padStart(5, '0')}`,
      name: faker.commerce.productName(),
      category,
      price,
      popularity: 1 / Math.pow(i + 1, 0.9),
    };
  });
}
