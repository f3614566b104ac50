const e={"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"};function o(t){return String(t??"").replace(/[&<>"']/g,n=>e[n])}function r(...t){return t.map(o).join("<br/>")}export{r as t};
