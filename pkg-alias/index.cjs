module.exports = require('@sochdb/sochdb');
