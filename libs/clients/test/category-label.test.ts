import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Category } from '@failmine/contracts';
import { CATEGORY_LABELS, categoryLabel, categoryOf } from '../src/category-label.js';

describe('category labels', () => {
  it('maps every label to its enum value and back', () => {
    assert.deepEqual(
      CATEGORY_LABELS.map((label) => categoryOf(label)),
      [Category.CATEGORY_MATH, Category.CATEGORY_CODE, Category.CATEGORY_CREATIVITY],
    );
    for (const label of CATEGORY_LABELS) assert.equal(categoryLabel(categoryOf(label)), label);
  });

  it('reads "" as unspecified both ways', () => {
    assert.equal(categoryOf(''), Category.CATEGORY_UNSPECIFIED);
    assert.equal(categoryLabel(Category.CATEGORY_UNSPECIFIED), '');
    assert.equal(categoryLabel(Category.UNRECOGNIZED), '');
  });

  it('refuses an unknown label, naming the known ones', () => {
    assert.throws(
      () => categoryOf('poetry'),
      /"poetry" is not a category \(categories: math, code, creativity\)/,
    );
  });
});
