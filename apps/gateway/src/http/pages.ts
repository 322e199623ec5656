/** A service's keyset page, mapped item by item into its response view (the cursor passes through). */
export const mapPage = <R, T>(page: { items: R[]; nextCursor: string | null }, map: (r: R) => T) => ({
  items: page.items.map(map),
  nextCursor: page.nextCursor,
});
