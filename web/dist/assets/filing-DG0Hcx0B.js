import{j as i}from"./index-Bc1K7W8K.js";function t(){return{kinds:i("flag_kinds"),sanctions:i("sanctions"),petitionTypes:i("petition_types")}}export{t as f};
