import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  displayFigures,
  formatDisplay,
  messageDisplayUnits,
  toDisplayValue,
  withDisplayFigures,
} from './display-units.ts';

describe('toDisplayValue', () => {
  /** [amount, unitConversionFactor, display value] */
  const cases: [number, number, string][] = [
    // divides by the factor: 48000 millicores are 48 vCPUs
    [48000, 1000, '48'],
    [0, 1000, '0'],
    [7, 1, '7'],
    // keeps up to three decimals and drops trailing zeros
    [1500, 1000, '1.5'],
    [1250, 1000, '1.25'],
    [1, 1000, '0.001'],
    [1_073_741_824, 1_073_741_824, '1'],
    [536_870_912, 1_073_741_824, '0.5'],
    // rounds half away from zero at the third decimal
    [1, 3, '0.333'],
    [2, 3, '0.667'],
    [1, 2000, '0.001'], // 0.0005 rounds up
    [2999, 3000, '1'], // 0.99967 carries into the whole part
    // shows a non-zero amount that rounds to 0 as <0.001, never as 0
    [1, 1_000_000, '<0.001'],
    [1, 2001, '<0.001'],
    // is exact for the largest amounts
    [Number.MAX_SAFE_INTEGER, 1, '9007199254740991'],
    [Number.MAX_SAFE_INTEGER, 1000, '9007199254740.991'],
  ];
  for (const [amount, factor, shown] of cases) {
    it(`shows ${amount} at factor ${factor} as ${shown}`, () =>
      assert.equal(toDisplayValue(amount, factor), shown));
  }

  it('refuses what no registration can hold, naming the field', () => {
    assert.throws(() => toDisplayValue(1.5, 1), /amount must be a whole number ≥ 0 \(got 1.5\)/);
    assert.throws(() => toDisplayValue(-1, 1), /amount must be a whole number ≥ 0/);
    assert.throws(() => toDisplayValue(1, 0), /unitConversionFactor must be a whole number ≥ 1 \(got 0\)/);
    assert.throws(() => toDisplayValue(1, Number.NaN), /unitConversionFactor/);
  });
});

describe('formatDisplay', () => {
  const vcpus = { displayUnit: 'vCPUs', unitConversionFactor: 1000 };
  it('appends the display unit', () => {
    assert.equal(formatDisplay(48000, vcpus), '48 vCPUs');
    assert.equal(formatDisplay(500, vcpus), '0.5 vCPUs');
  });
  it('shows - for a figure the operator has not written yet', () => {
    assert.equal(formatDisplay(undefined, vcpus), '-');
  });
});

describe('figures in messages', () => {
  const vcpus = { displayUnit: 'vCPUs', unitConversionFactor: 1000 };

  it('shows display units only when the factor is not 1 (display figures differ from base)', () => {
    assert.deepEqual(messageDisplayUnits(vcpus), vcpus);
    assert.equal(messageDisplayUnits({ displayUnit: 'projects', unitConversionFactor: 1 }), undefined);
    assert.equal(messageDisplayUnits({ displayUnit: 'GiB', unitConversionFactor: 1.5 }), undefined);
    assert.equal(messageDisplayUnits({ displayUnit: '', unitConversionFactor: 1000 }), undefined);
    assert.equal(messageDisplayUnits({}), undefined);
  });

  it('puts the display form after the text, each figure before its word', () => {
    const figures = [
      ['requested', 4000],
      ['available', 1500],
    ] as const;
    assert.equal(
      withDisplayFigures('requested 4000, available 1500', figures, vcpus),
      'requested 4000, available 1500 (4 vCPUs requested, 1.5 vCPUs available)',
    );
    assert.equal(withDisplayFigures('as is', figures, undefined), 'as is');
  });

  it('never throws: a figure that is not a whole number ≥ 0 leaves the text as it is', () => {
    assert.equal(displayFigures([['available', -1]], vcpus), undefined);
    assert.equal(withDisplayFigures('t', [['available', 0.5]], vcpus), 't');
    assert.equal(displayFigures([['available', 1]], vcpus), '0.001 vCPUs available');
  });
});
