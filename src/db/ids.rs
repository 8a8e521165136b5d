//! How the id newtypes of the domain are stored: as the text they wrap. The domain
//! names no diesel, so the mapping lives here.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::sql_types::{Nullable, Text};

use crate::domain::account::UserId;

/// Lets an id newtype be compared with, written to and read from a text column.
macro_rules! text_id {
    ($t:ty) => {
        impl<'a> AsExpression<Text> for &'a $t {
            type Expression = <&'a str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'a str as AsExpression<Text>>::as_expression(self.0.as_str())
            }
        }
        impl<'a> AsExpression<Nullable<Text>> for &'a $t {
            type Expression = <&'a str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'a str as AsExpression<Nullable<Text>>>::as_expression(self.0.as_str())
            }
        }
        impl AsExpression<Text> for $t {
            type Expression = <String as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <String as AsExpression<Text>>::as_expression(self.0)
            }
        }
        impl AsExpression<Nullable<Text>> for $t {
            type Expression = <String as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <String as AsExpression<Nullable<Text>>>::as_expression(self.0)
            }
        }
        impl<DB: Backend> FromSql<Text, DB> for $t
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                String::from_sql(bytes).map(Self)
            }
        }
        impl<DB: Backend> Queryable<Text, DB> for $t
        where
            $t: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    };
}

text_id!(UserId);
