/**
 * What the page does not offer: vega and vega-lite (setr's training-curve report) and the
 * terminal progress bar of `setr train`. The chapters' programs never reach them; a program that does
 * gets an error that says so.
 */
function unavailable(what: string): never {
  throw new Error(`${what} is not available in the page (it runs in Node: the training report and the CLI's progress bar)`);
}

export function compile(): never {
  return unavailable('vega-lite');
}

export class SingleBar {
  constructor() {
    unavailable("cli-progress's SingleBar");
  }
}

// vega: the curves figure renders a vega view to SVG
export class View {
  constructor() {
    unavailable('vega');
  }
}

export function parse(): never {
  return unavailable('vega');
}

export default { compile, SingleBar, View, parse };
