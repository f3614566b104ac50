import{bk as p}from"./index-D8VNkXKY.js";function a(r,n,o={}){return p(r,n,o)}export{a as p};
