/** The first value of a request header Node may have given as an array (a repeated header). */
export const firstHeaderValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
