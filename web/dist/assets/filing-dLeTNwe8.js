import{j as i}from"./index-D9VUyu54.js";function t(){return{kinds:i("flag_kinds"),sanctions:i("sanctions"),petitionTypes:i("petition_types")}}export{t as f};
