// The print button of the invite cards; scripts are allowed only from
// this site, so it cannot be inline.
document.getElementById("print").addEventListener("click", () => window.print());
