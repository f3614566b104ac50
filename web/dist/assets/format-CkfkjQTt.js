function i(r){return r==null?"":r.toFixed(2)}function n(r){return r<1024?r+" B":r<1024*1024?(r/1024).toFixed(1)+" KB":(r/1024/1024).toFixed(1)+" MB"}export{n as f,i as s};
