#!/bin/sh
# Messages go to cron mails and logs: they name the file, the line, the
# field and the customer, and show a phone or an e-mail only masked
# (crm_mask in msg.c).  Each case here makes crm-import say something
# about a customer's phone or e-mail; test_done's check then finds any
# whole phone or address in what was said (tests/data/unmasked-allow.txt
# lists the messages still to be masked).  The cases themselves check
# only what stays once the value is masked: the file, line and field.
test_description='messages about phones and e-mails show them masked'
. "$(dirname "$0")/test-lib.sh"

H='order_id,ordered_at,channel,account,phone,email,quantity,unit_price,status'

test_expect_success 'two phones in the phone field' '
	printf "$H\nA1,2024-01-01,shop,a,0912345678/0922345678,,1,1,completed\n" >in.csv &&
	{ crm-import --db s.db in.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: in.csv:2: field .phone.: " err
'

test_expect_success 'two addresses in the e-mail field' '
	printf "$H\nA1,2024-01-01,shop,a,,alice@secret.example; bob@secret.example,1,1,completed\n" >in.csv &&
	{ crm-import --db s.db in.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: in.csv:2: field .email.: " err
'

test_expect_success 'a phone two buyers give' '
	printf "$H\nB1,2024-01-01,shop,u1,0955345678,,1,1,completed\nB2,2024-01-02,shop,u2,0955345678,,1,1,completed\n" >in.csv &&
	crm-import --db s.db in.csv 2>err &&
	test_grep "^crm-import: in.csv:3: phone .* is shared by different buyers" err
'

test_expect_success 'an address two buyers give' '
	printf "$H\nC1,2024-01-01,shop,u3,,carol@secret.example,1,1,completed\nC2,2024-01-02,shop,u4,,carol@secret.example,1,1,completed\n" >in.csv &&
	crm-import --db s.db in.csv 2>err &&
	test_grep "^crm-import: in.csv:3: email .* is shared by different buyers" err
'

test_expect_success '--split names the buyer it parts' '
	printf "$H\nD1,2024-01-01,shopee,u9,0911111222,,1,1,completed\nD2,2024-01-02,momo,,0911111222,,1,1,completed\n" >in.csv &&
	crm-import -q --db sp.db in.csv &&
	crm-import --db sp.db --split 1 2>err &&
	test_grep "^crm-import: customer 1: .* is now customer 2" err
'

test_expect_success 'a bad birthday is shown masked' '
	printf "會員編號,姓名,生日,加入日期\nM1,Ann,1985-02-30,2024-01-01\n" >m.csv &&
	{ crm-import --db m.db m.csv 2>err; test $? = 1; } &&
	test_grep "^crm-import: m.csv:2: field .生日.: " err &&
	! grep "1985-02-30" err
'

test_expect_success 'a phone given as a customer id on stdin is shown masked' '
	printf "customer_id\n0912-345-678\n" |
	    { crm-report summary --db s.db >out 2>err; test $? = 1; } &&
	test_grep "^crm-report: stdin:2: field .customer_id.: .* is not a customer id" err &&
	! grep 0912-345-678 err &&
	printf "customer_id\n0912345678\n" |
	    crm-report summary --db s.db >out 2>err &&
	test_grep "^crm-report: stdin:2: 1 customer of the list not in the store" err &&
	! grep 0912345678 err
'

test_done
